"""Files in and out: CPL files (CSV, XLSX, JSON), manufacturer contacts."""
