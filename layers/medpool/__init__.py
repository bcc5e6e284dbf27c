"""MedPool shared layer: configuration, domain models, services and the HTTP adapter."""
