"""waibao: the platform a city uses to run its service-outsourcing industry programme."""
