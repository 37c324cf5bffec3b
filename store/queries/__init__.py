"""Read-only queries over the whole store (audits, reports), behind domain ports."""
