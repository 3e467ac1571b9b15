pytest_plugins = ["calsync_conformance.plugin"]
