"""calsync provider plugin for exchange (see the project's docs/)."""
