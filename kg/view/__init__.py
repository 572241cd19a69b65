"""The page: the graph as a networkx network with its measures (analytics), positions for large
graphs (layout), and the offline HTML explorer (viewer)."""
