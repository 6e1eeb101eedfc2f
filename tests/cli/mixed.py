"""Mixed clusters for the tests and benchmarks: node types of uneven sizes and proportions (a few
cores to 128 cores and 1 TiB, as in public production clusters), VMs of 1 to 64 cores spread
over them; and first-fit and best-fit decreasing from scratch, written here independently of the
engine, as the baselines it must never do worse than."""
import random

# (CPU in hundredths of a core, memory MB, weight): older small servers are the many
NODE_TYPES = [(800, 32768, 8), (1600, 65536, 6), (3200, 131072, 4), (4800, 262144, 3),
              (6400, 524288, 2), (12800, 1048576, 1)]
VM_TYPES = [(100, 2048), (200, 4096), (400, 8192), (800, 16384), (1600, 65536),
            (3200, 131072), (6400, 262144)]


def instance(caps, demands, hosts, node_attributes=None):
    """A BtrPlace instance (dict): nodes of capacities caps (CPU, memory), VM v of demands[v]
    running on node hosts[v] (None: not placed yet), node attributes by node when given."""
    online = {str(n): {"runningVMs": [v for v, h in enumerate(hosts) if h == n],
                       "sleepingVMs": []} for n in range(len(caps))}
    views = [{"id": "shareableResource", "rcId": rc, "defCapacity": 0, "defConsumption": 0,
              "nodes": {str(n): caps[n][i] for n in range(len(caps))},
              "vms": {str(v): demands[v][i] for v in range(len(demands))}}
             for i, rc in enumerate(("cpu", "memory"))]
    nodes = {str(n): a for n, a in enumerate(node_attributes)} if node_attributes else {}
    return {"model": {"mapping": {"onlineNodes": online, "offlineNodes": [], "readyVMs": []},
                      "attributes": {"nodes": nodes, "vms": {}}, "views": views},
            "constraints": [], "objective": None}


def cluster(seed, nodes, load=0.45):
    """A BtrPlace instance (dict): nodes of mixed types, running VMs filling about load of the
    capacity, each placed round-robin on the first node with room (spread out)."""
    rng = random.Random(seed)
    kinds = [t for t in NODE_TYPES for _ in range(t[2])]
    caps = [rng.choice(kinds)[:2] for _ in range(nodes)]
    total_mem = sum(c[1] for c in caps)
    used = [[0, 0] for _ in caps]
    vms, host, mem = [], [], 0
    start = 0
    while mem < load * total_mem:
        cpu, ram = rng.choices(VM_TYPES, weights=[10, 8, 6, 4, 2, 1, 1])[0]
        for k in range(nodes):
            n = (start + k) % nodes
            if used[n][0] + cpu <= caps[n][0] and used[n][1] + ram <= caps[n][1]:
                break
        else:
            break
        start = n + 1
        used[n][0] += cpu
        used[n][1] += ram
        vms.append((cpu, ram))
        host.append(n)
        mem += ram
    return instance(caps, vms, host), caps, vms


def _order(caps, vms):
    top = [max(c[i] for c in caps) for i in range(2)]
    nodes = sorted(range(len(caps)), key=lambda n: (-(caps[n][0] / top[0] + caps[n][1] / top[1]),
                                                     n))
    items = sorted(range(len(vms)), key=lambda v: (-(vms[v][0] / top[0] + vms[v][1] / top[1]), v))
    return top, nodes, items


def first_fit(caps, vms):
    """Nodes FFD from scratch uses (VMs largest first, nodes largest first)."""
    _, nodes, items = _order(caps, vms)
    used = {n: [0, 0] for n in nodes}
    for v in items:
        for n in nodes:
            if all(used[n][i] + vms[v][i] <= caps[n][i] for i in range(2)):
                used[n][0] += vms[v][0]
                used[n][1] += vms[v][1]
                break
    return sum(1 for n in nodes if used[n] != [0, 0])


def best_fit(caps, vms):
    """Nodes BFD from scratch uses (the open node left with least room; else the next node,
    largest first)."""
    top, nodes, items = _order(caps, vms)
    used, opened, nxt = {}, [], 0
    for v in items:
        fits = [n for n in opened if all(used[n][i] + vms[v][i] <= caps[n][i] for i in range(2))]
        while not fits and nxt < len(nodes):
            n = nodes[nxt]
            nxt += 1
            opened.append(n)
            used[n] = [0, 0]
            if all(vms[v][i] <= caps[n][i] for i in range(2)):
                fits = [n]
        n = min(fits, key=lambda n: sum((caps[n][i] - used[n][i] - vms[v][i]) / top[i]
                                        for i in range(2)))
        used[n][0] += vms[v][0]
        used[n][1] += vms[v][1]
    return sum(1 for n in opened if used[n] != [0, 0])


# idle and peak watts of each node type (SPECpower-like: bigger nodes draw more, idle ones much)
WATTS = {800: (55, 110), 1600: (80, 190), 3200: (140, 330), 4800: (210, 480), 6400: (260, 640),
         12800: (450, 1100)}


def place_first(caps, demands, order_of, memory_fill=1.0):
    """Each VM on the first node in order_of(v) with room (memory up to memory_fill of the
    capacity): the host of each VM, None for one that fits nowhere."""
    used, hosts = [[0, 0] for _ in caps], []
    for v, d in enumerate(demands):
        hosts.append(None)
        for n in order_of(v):
            if used[n][0] + d[0] <= caps[n][0] and used[n][1] + d[1] <= caps[n][1] * memory_fill:
                used[n][0] += d[0]
                used[n][1] += d[1]
                hosts[v] = n
                break
    return hosts


def small_cluster(seed, nodes, vms):
    """A tiny mixed cluster with a power model (node attributes wattsIdle, wattsPeak), VMs spread
    (each on the next node with room): the instance, capacities, VM demands and each node's
    (idle, peak)."""
    rng = random.Random(seed)
    caps = [rng.choice(NODE_TYPES[:4])[:2] for _ in range(nodes)]
    demands = [rng.choice(VM_TYPES[:4]) for _ in range(vms)]
    power = [WATTS[c[0]] for c in caps]
    hosts = place_first(caps, demands, lambda v: [(v + k) % nodes for k in range(nodes)])
    attributes = [{"wattsIdle": idle, "wattsPeak": peak} for idle, peak in power]
    return instance(caps, demands, hosts, attributes), caps, demands, power


def optimum(caps, demands, power):
    """(fewest nodes, least watts) over every placement, by brute force."""
    best_nodes, best_watts = None, None
    n, used = len(caps), [[0, 0] for _ in caps]

    def place(v):
        nonlocal best_nodes, best_watts
        if v == len(demands):
            on = [k for k in range(n) if used[k] != [0, 0]]
            watts = sum(power[k][0] + (power[k][1] - power[k][0]) * used[k][0] / caps[k][0]
                        for k in on)
            best_nodes = len(on) if best_nodes is None else min(best_nodes, len(on))
            best_watts = watts if best_watts is None else min(best_watts, watts)
            return
        for k in range(n):
            if all(used[k][i] + demands[v][i] <= caps[k][i] for i in range(2)):
                used[k][0] += demands[v][0]
                used[k][1] += demands[v][1]
                place(v + 1)
                used[k][0] -= demands[v][0]
                used[k][1] -= demands[v][1]

    place(0)
    return best_nodes, best_watts


def hosts_of(inst, vms):
    """Where each VM runs in the instance."""
    where = [None] * vms
    for node, content in inst["model"]["mapping"]["onlineNodes"].items():
        for v in content["runningVMs"]:
            where[v] = int(node)
    return where


def packed_cluster(seed, nodes, vms):
    """A uniform cluster packed first-fit to 80 % of memory in random node order, VMs of three
    memory sizes (the shape where the pattern bound on the change applies); None if it does not
    fit. The instance, capacities and VM demands."""
    rng = random.Random(seed)
    caps = [(800, 4096)] * nodes
    demands = [(rng.randint(10, 200), rng.choice((613, 870, 1740))) for _ in range(vms)]
    order = list(range(nodes))
    rng.shuffle(order)
    hosts = place_first(caps, demands, lambda v: order, memory_fill=0.8)
    if None in hosts:
        return None
    return instance(caps, demands, hosts), caps, demands


def least_change(caps, demands, hosts, most_nodes, weight):
    """The least total weight of the VMs that leave their node, over every placement on at most
    most_nodes nodes (branch and bound, largest memory first, each VM tried at home first)."""
    n, order = len(caps), sorted(range(len(demands)), key=lambda v: -demands[v][1])
    used, count, best = [[0, 0] for _ in caps], [0] * n, [None]

    def place(i, cost, active):
        if best[0] is not None and cost >= best[0]:
            return
        if i == len(order):
            best[0] = cost
            return
        v = order[i]
        for k in [hosts[v]] + [k for k in range(n) if k != hosts[v]]:
            if count[k] == 0 and active == most_nodes:
                continue
            if all(used[k][r] + demands[v][r] <= caps[k][r] for r in range(2)):
                used[k][0] += demands[v][0]
                used[k][1] += demands[v][1]
                count[k] += 1
                place(i + 1, cost + (weight(v) if k != hosts[v] else 0), active + (count[k] == 1))
                used[k][0] -= demands[v][0]
                used[k][1] -= demands[v][1]
                count[k] -= 1

    place(0, 0, 0)
    return best[0]


def fewest_moves(caps, demands, hosts, most_nodes):
    """(fewest migrations, least memory moved) over every placement on at most most_nodes nodes;
    memory is the second resource."""
    return (least_change(caps, demands, hosts, most_nodes, lambda v: 1),
            least_change(caps, demands, hosts, most_nodes, lambda v: demands[v][1]))
