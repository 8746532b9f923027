"""``plan --try``: start the planned hypervisor paused and ask it what it built."""
