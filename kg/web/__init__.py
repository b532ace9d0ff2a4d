"""The analysts' pictures: the explorer page the API serves and the standalone files of ``kg viz``."""
