# Masks only what is volatile between two runs of the same scenario:
# timeouts that tick down, conntrack ids, clock times and durations.
# Applied identically to both libraries' outputs (sed -E).

# Text: the timeout follows "<l4name> <l4num>" (absent in DESTROY events).
s/^((\[[0-9]+\.[0-9]+\][[:space:]]*)?[[:space:]]*(\[[A-Z]+\][[:space:]]*)?((ipv4|ipv6|unknown) +[0-9]+ +)?[a-z0-9-]+ +[0-9]+ +)[0-9]+ /\1TIMEOUT /
# Text: an expectation line starts with its timeout.
s/^(([[][0-9]+\.[0-9]+[]])?[[:space:]]*([[][A-Z]+[]])?[[:space:]]*)[0-9]+ proto=/\1TIMEOUT proto=/
# Text: event clock stamp (-o timestamp) and kernel timestamps.
s/^\[[0-9]+\.[0-9]+\]/[STAMP]/
s/\[(start|stop)=[^]]*\]/[\1=TIME]/g
s/delta-time=[0-9]+/delta-time=DELTA/g
# The conntrack id, not the ICMP id that follows the ICMP code.
s/(code=[0-9]+ )id=([0-9]+)/\1@ICMPID@\2/g
s/(^| )id=[0-9]+/\1id=ID/g
s/@ICMPID@/id=/g
# Save format (-o save) carries the timeout as -t.
s/^(-[AD] )-t [0-9]+ /\1-t TIMEOUT /
# XML.
s/<timeout>[0-9]+<\/timeout>/<timeout>TIMEOUT<\/timeout>/g
s/<id>[0-9]+<\/id>/<id>ID<\/id>/g
s/<deltatime>[0-9]+<\/deltatime>/<deltatime>DELTA<\/deltatime>/g
s/<when>.*<\/when>/<when>WHEN<\/when>/g
s/<(start|stop)>[0-9]+<\/\1>/<\1>TIME<\/\1>/g
# Events: the sender's netlink port id is a pid or random, and conntrack
# finds the sender's name in /proc only if it is still running.
s/portid=[0-9]+( progname=[^ ]*)?/portid=PORTID/g
