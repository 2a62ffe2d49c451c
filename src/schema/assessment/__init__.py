"""GraphQL for the assessment of the prefectures (Art. 22)."""
