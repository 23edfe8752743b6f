"""What services share about each other: events, request/reply messages, subjects. Pure data."""
