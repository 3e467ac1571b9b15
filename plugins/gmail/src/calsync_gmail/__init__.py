"""calsync provider plugin for gmail (see the project's docs/)."""
