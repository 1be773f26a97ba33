#!/usr/bin/env python3
"""smaps_diff.py A [B]: what is resident in a process, mapping by mapping (one line per file or [anon]/[heap]),
from copies of /proc/PID/smaps: Rss, the private dirty part (relocated data, heap, stacks) and the clean part
(code and read-only data paged in from the file: shared with the page cache, yet counted in Rss and VmHWM).
With B, B's Rss and private dirty alongside. The driver leaves smaps-after-scan copies in each run folder:
  bench/lib/smaps_diff.py bench/out/runs-*/hearth-0/smaps-after-scan bench/out/runs-*/minidlna-0/smaps-scanner
"""
import re,collections,sys
def agg(path):
    cur=None; a=collections.defaultdict(collections.Counter)
    for line in open(path):
        if re.match(r'^[0-9a-f]+-[0-9a-f]+ ',line):
            parts=line.split(); cur=parts[5].split('/')[-1] if len(parts)>5 else '[anon]'
        else:
            k=line.split(':')[0]
            if k in ('Rss','Private_Dirty','Private_Clean','Shared_Clean','Shared_Dirty','Anonymous'):
                a[cur][k]+=int(line.split()[1])
    return a
a=agg(sys.argv[1]); b=agg(sys.argv[2]) if len(sys.argv)>2 else {}
keys=sorted(set(a)|set(b), key=lambda k:-(a.get(k,{}).get('Rss',0)))
print("%-40s %7s %7s %7s | %7s %7s   (KiB)"%("mapping","Rss","PrivDty","Clean","B.Rss","B.PrivD"))
tot=collections.Counter(); totb=collections.Counter()
for k in keys:
    x=a.get(k,collections.Counter()); y=b.get(k,collections.Counter())
    tot.update(x); totb.update(y)
    if x['Rss']+y['Rss']>=200: print("%-40s %7d %7d %7d | %7d %7d"%(k[:40],x['Rss'],x['Private_Dirty'],x['Private_Clean']+x['Shared_Clean'],y['Rss'],y['Private_Dirty']))
print("%-40s %7d %7d %7d | %7d %7d"%("TOTAL",tot['Rss'],tot['Private_Dirty'],tot['Private_Clean']+tot['Shared_Clean'],totb['Rss'],totb['Private_Dirty']))
print("libs:",len(a),len(b))
