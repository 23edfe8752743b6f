"""The pages, one module per area; each exports its ROUTES."""
