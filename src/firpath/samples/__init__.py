"""Generated example CPLs: the demo data set, test fixtures and benchmark inputs."""
