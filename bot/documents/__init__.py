"""A city's own policy document (issue 26): reading an uploaded file into text (`reading`),
adding, drafting, reviewing, publishing and expiring it (`library`), and its CLI (`cli`)."""
