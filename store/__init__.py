"""SQLAlchemy adapters of the domain's ports, the unit of work and the migrations."""
