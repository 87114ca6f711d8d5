"""HZ-24: the annual selection of the ten advanced service-outsourcing enterprises from verified figures."""
