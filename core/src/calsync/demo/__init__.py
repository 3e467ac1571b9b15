"""The demo: a whole organisation on the embedded emulators, synced through real sockets.

``calsync demo`` (and ``make demo``) seeds a sandbox organisation into the emulators of the
installed plugins (Exchange, Microsoft 365, Google and Salesforce, and any other plugin
whose harness can serve), serves them on 127.0.0.1, writes a configuration pointing at
them, and runs calsync exactly as a user would. People then edit their calendars and
calsync runs again; finally every documented exception's scenario is checked against what
the services hold, and a summary is printed.
"""

from calsync.demo.run import DemoResult, run_demo

__all__ = ["DemoResult", "run_demo"]
