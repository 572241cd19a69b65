"""The page: positions for large graphs (layout) and the offline HTML explorer (viewer), drawn
from the network model of :mod:`kg.graph.network`."""
