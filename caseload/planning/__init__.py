"""Planning a day: crews, candidates, the routing problem, plans and their versions, sheets."""
