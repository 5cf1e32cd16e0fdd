"""Knowledge: what licheck knows about license texts and ids, used to read them as written."""
