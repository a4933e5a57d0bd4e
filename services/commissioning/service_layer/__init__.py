"""The commissioning service layer: use cases over a unit of work, shared by views and jobs."""
