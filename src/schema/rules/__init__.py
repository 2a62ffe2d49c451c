"""Regional rules (Art. 23): the rules in force in a region and their editing by finance departments."""
