"""What every test shares: builders of example payloads, workers, waiting, the platform."""
