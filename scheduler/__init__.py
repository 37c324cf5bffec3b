"""Scheduled jobs, campaign dispatch and outbox delivery."""
