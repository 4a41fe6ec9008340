"""Children in care: institutions, placements, reviews, continuity of care."""
