"""Pure optimisation: problem/solution types, travel times, the OR-Tools model, an independent
validator and the VROOM-format JSON. Imports nothing else of ours."""
