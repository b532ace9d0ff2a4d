// Graph overview
// description: How many nodes carry each label: a first look at what the graph holds.
// example: (no parameters) run as is
MATCH (n)
UNWIND labels(n) AS label
RETURN label, count(*) AS nodes
ORDER BY nodes DESC, label
