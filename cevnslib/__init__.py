"""cevnslib: coherent elastic neutrino-nucleus scattering (CEvNS) toolkit."""
