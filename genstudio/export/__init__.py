"""Handing the film on: editor timelines (OpenTimelineIO, FCP 7 XML, CMX 3600 EDL) and their
re-import, offline conform of downloaded clips, review bundles and storyboard sheets."""
