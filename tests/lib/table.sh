# Printing a conntrack table for comparison (sourced by the scenario
# scripts of tests/programs).

# sort_table: sort `conntrack -L` lines (and the entries that -U and -D
# print) on every field but the third, the timeout. The timeout ticks
# while a run goes on, so sorting on the whole line orders two entries
# by how far their timeouts have run down, which differs from run to run
# and from one library's run to the other's. -s: lines whose other
# fields are equal keep their order instead of falling back to the
# whole line.
sort_table() {
	LC_ALL=C sort -s -k1,2 -k4
}
