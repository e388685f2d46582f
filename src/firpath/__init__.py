"""firpath: the Firmware Information Repository for GB smart metering."""

__version__ = "0.1.0"
