"""calsync provider plugin for salesforce (see the project's docs/)."""
