// MoRE module. See PAPER.md for the layering.
