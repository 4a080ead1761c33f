from ridgeline.search_space._group import GroupDecomposedSearchSpace, SearchSpaceGroup
from ridgeline.search_space._intersection import (
    IntersectionSearchSpace,
    intersection_search_space,
)
from ridgeline.search_space._transform import SearchSpaceTransform

__all__ = [
    "GroupDecomposedSearchSpace",
    "IntersectionSearchSpace",
    "SearchSpaceGroup",
    "SearchSpaceTransform",
    "intersection_search_space",
]
