"""SQLAlchemy repositories. They read and write; they never commit."""
