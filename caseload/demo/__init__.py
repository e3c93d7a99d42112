"""The demo program: fictional clients on real Durham addresses.

Only the demo command and the app's demo start import it.
"""
