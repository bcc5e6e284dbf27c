"""Certificate files (PDF, PNG, JPEG) attached to a device's maintenance and calibration records."""
