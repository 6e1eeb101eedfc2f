/* Instance generators for the benchmarks. Each builds a model (resources "cpu" and "memory") with a
 * realistic, unpacked starting placement. */
#ifndef ENT_BENCH_GEN_H
#define ENT_BENCH_GEN_H

#include <stddef.h>
#include <stdint.h>

struct ent_model;
struct ent_error;

/* Places VM v (demands cpu, mem) on the first node, from *cursor on, where the node stays within
 * fill (a share) of its capacities; returns the node or -1. Shared by the generators. */
int32_t ent__gen_first_fit(int64_t *used_cpu, int64_t *used_mem, const int64_t *cap_cpu,
                           const int64_t *cap_mem, size_t nodes, int64_t cpu, int64_t mem,
                           double fill, size_t *cursor);

/* How the current placement is made. Round-robin spreads VMs evenly over every node (an extreme:
 * nearly every VM must move). Previous-round is what a control loop meets: the placement of the
 * round before, each node filled first-fit to at most 70 % of its capacity under the load of then
 * (Entropy-like: 75 %, 80 %, ... when the VMs need more to fit),
 * after which 30 % of the VMs changed activity (or, for traces, the load moved on 5 minutes). */
enum ent_gen_start { ENT_GEN_ROUND_ROBIN, ENT_GEN_PREVIOUS_ROUND };

/* Entropy-like (Hermenier's thesis): homogeneous nodes of 8 cores (cpu 800) and 16384 MB; VMs of
 * 512, 1024, 1536 or 2048 MB with 1 or 2 vCPUs, drawn from `classes` equivalence classes (2, 4 or
 * 8 (memory, vCPU) pairs); `inactive` of them idle, needing memory only (Entropy's demand model:
 * an active VM needs its vCPUs' share, 100 per vCPU). */
int ent_gen_entropy(struct ent_model *m, size_t nodes, size_t vms, int classes, double inactive,
                    enum ent_gen_start start, uint64_t seed, struct ent_error *err);

/* The Entropy paper's set-up: nodes of 2 CPUs (cpu 200) and 4096 MB; VM classes drawn from the
 * 8 (memory 512-2048 MB, active with cpu 100 or idle with cpu 0) pairs; placed round-robin. */
int ent_gen_entropy_paper(struct ent_model *m, size_t nodes, size_t vms, int classes, uint64_t seed,
                          struct ent_error *err);

/* PlanetLab-derived (Beloglazov & Buyya, as coded in CloudSim): hosts alternately HP ProLiant ML110
 * G4 (2 x 1860 MIPS) and G5 (2 x 2660 MIPS), 4096 MB; VM types 2500 MIPS / 870 MB, 2000 / 1740,
 * 1000 / 1740, 500 / 613 in four contiguous blocks; CPU demand = utilisation at `step` (0-287) x
 * the type's MIPS. The traces of folder `day` (one file a VM). Round-robin start: each VM on the
 * next host that has room; previous-round start: first-fit to 70 % (more when the VMs need it)
 * under the load of step - 1. */
int ent_gen_planetlab(struct ent_model *m, const char *day, size_t hosts, int step,
                      enum ent_gen_start start, struct ent_error *err);

/* Mixed hardware (gen_mixed.c): nodes of six types, 8 cores / 32 GiB to 128 cores / 1 TiB, the
 * small ones the many; VMs of 1 to 64 cores (2 to 256 GiB) until load of the memory is used. */
int ent_gen_mixed(struct ent_model *m, size_t nodes, double load, enum ent_gen_start start,
                  uint64_t seed, struct ent_error *err);
/* The same with twelve node types of unlike shapes (compute, big-memory) and VMs whose CPU and
 * memory are not in proportion: where packings from scratch fall short of the bound. */
int ent_gen_mixed_wide(struct ent_model *m, size_t nodes, double load, enum ent_gen_start start,
                       uint64_t seed, struct ent_error *err);

/* BtrPlace's TDSC node repair, shaped alike (gen_tdsc.c): racks of 50 nodes, three-tier
 * applications under spread and among constraints, up to `vms` VMs, `failed` of the nodes to go
 * offline. */
int ent_gen_tdsc(struct ent_model *m, size_t nodes, size_t vms, double failed, uint64_t seed,
                 struct ent_error *err);

#endif
