"""The HTTP API (`/api/v1`): thin FastAPI routes over the services the CLI uses."""
