"""What the system writes for people and other systems: the compiled periodic report (.docx) and the
open-data package and feed. Read side only: progress snapshots and approved reports, nothing else."""
