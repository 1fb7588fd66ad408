"""Backprop Lab: watch a neural network learn, one layer at a time, with the real numbers."""
