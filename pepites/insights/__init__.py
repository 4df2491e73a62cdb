"""Read side: dashboards that read every domain (no domain reads them)."""
