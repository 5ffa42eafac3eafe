"""Text utilities shared by rewards: normalisation, number reading, Vietnamese specifics.

Part of the public plugin API: third-party rewards should use these rather than re-implement them.
"""
