from .registration import participants_of, workshops_visible_to

__all__ = ["participants_of", "workshops_visible_to"]
