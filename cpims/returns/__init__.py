"""Monthly returns: workflow, deadlines, completeness and timeliness."""
