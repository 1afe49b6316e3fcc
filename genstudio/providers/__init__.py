"""Provider roles (LLM/planner, image, video, speech, lip-sync, music) and their implementations."""
