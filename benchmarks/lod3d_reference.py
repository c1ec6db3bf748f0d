#!/usr/bin/python3
"""An independent PG-LOD in numpy (dense, small 3D boxes) to check `neurhom lod -dim 3` against.

Written from the method's definition, not from neurhom's code (issue 30: "3D results equal to an
independent LOD implementation on the same field to round-off"):
  - Q1 element matrices as tensor products of the 1D stiffness/mass matrices (neurhom integrates
    by Gauss points);
  - I_H as in Malqvist & Peterseim 2014 / gridlod: on each coarse cell the L2 projection onto Q1
    with the assembled fine mass matrix of the cell (neurhom: the tensor product of a 1D
    projection), then at each coarse node the average over the cells that contain it; coarse
    nodes on Dirichlet faces carry no constraint;
  - element correctors Q_T lambda_j on N^ell(T) from the dense KKT system
    [A_U C'; C 0] [q; mu] = [A_T lambda_j; 0] (neurhom: sparse factorizations);
  - S_A[i, j] = a(lambda_j, lambda_i) - sum_{T containing j} a(Q_T lambda_j, lambda_i), F_i = (1, lambda_i),
    u_H = sum_i U_i lambda_i on the fine mesh.
It reads the coefficient neurhom used from its -o file (/fields/coefficient, [z][y][x] cells) and
compares u_H with /fields/u_lod. With --ideal (patches covering the domain) it also checks that
u_H equals I_H u_h, the quasi-interpolant of the fine FEM solution, at the free coarse nodes (the
ideal LOD's defining property; exact for f = 0, e.g. with Dirichlet data --bc_values and --rhs zero).

usage: /usr/bin/python3 benchmarks/lod3d_reference.py FILE.h5 --cells 12,8,8 --coarse 3,2,2 --box 1.5,1,1
       --bc D,N,D,D,N,D --ell 1        (f = 1; prints the relative max difference, exits 1 above --tol)
"""
import argparse
import itertools
import sys

import h5py
import numpy as np


def q1_element(h, a):
    """8 x 8 stiffness of a trilinear hexahedron with sides h and coefficient a; local node
    index x + 2 y + 4 z."""
    K1 = [np.array([[1.0, -1.0], [-1.0, 1.0]]) / hd for hd in h]
    M1 = [np.array([[2.0, 1.0], [1.0, 2.0]]) * hd / 6.0 for hd in h]
    # kron order: z (slowest), y, x (fastest) -> index x + 2 y + 4 z
    K = (np.kron(M1[2], np.kron(M1[1], K1[0])) + np.kron(M1[2], np.kron(K1[1], M1[0]))
         + np.kron(K1[2], np.kron(M1[1], M1[0])))
    M = np.kron(M1[2], np.kron(M1[1], M1[0]))
    return a * K, M


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("file")
    p.add_argument("--cells", required=True)
    p.add_argument("--coarse", required=True)
    p.add_argument("--box", default="1,1,1")
    p.add_argument("--bc", default="D,D,D,D,D,D")
    p.add_argument("--ell", type=int, default=1)
    p.add_argument("--tol", type=float, default=1e-10)
    p.add_argument("--bc_values", default="0,0,0,0,0,0", help="as neurhom's -bc_values (D: value, N: flux 0 only here)")
    p.add_argument("--rhs", default="one", choices=["one", "zero"])
    p.add_argument("--ideal", action="store_true",
                   help="patches cover the domain: also check u_H = I_H u_h (the fine FEM solution, dense here)")
    args = p.parse_args()
    n = [int(v) for v in args.cells.split(",")]
    N = [int(v) for v in args.coarse.split(",")]
    L = [float(v) for v in args.box.split(",")]
    bc = args.bc.split(",")
    assert len(n) == 3 and len(N) == 3 and len(bc) == 6
    r = n[0] // N[0]
    h = [L[d] / n[d] for d in range(3)]
    with h5py.File(args.file, "r") as f:
        a = np.array(f["/fields/coefficient"])  # [z][y][x]
        u_neurhom = np.array(f["/fields/u_lod"]).ravel()  # [z][y][x] nodes
    nn = [n[d] + 1 for d in range(3)]
    nodes = nn[0] * nn[1] * nn[2]
    node = lambda i, j, k: i + nn[0] * (j + nn[1] * k)  # noqa: E731

    # global fine stiffness and mass (dense: small boxes only)
    A = np.zeros((nodes, nodes))
    M = np.zeros((nodes, nodes))
    A_cells = {}  # per coarse cell: its own stiffness contribution (for A_T lambda_j)
    Ke1, Me = q1_element(h, 1.0)
    for k, j, i in itertools.product(range(n[2]), range(n[1]), range(n[0])):
        dofs = [node(i + (c & 1), j + ((c >> 1) & 1), k + ((c >> 2) & 1)) for c in range(8)]
        ix = np.ix_(dofs, dofs)
        A[ix] += a[k, j, i] * Ke1
        M[ix] += Me
        T = (i // r, j // r, k // r)
        A_cells.setdefault(T, []).append((dofs, a[k, j, i] * Ke1))

    # coarse hats at the fine nodes: P (fine nodes x coarse nodes)
    Nn = [N[d] + 1 for d in range(3)]
    cnode = lambda I, J, K: I + Nn[0] * (J + Nn[1] * K)  # noqa: E731
    ncoarse = Nn[0] * Nn[1] * Nn[2]
    P = np.zeros((nodes, ncoarse))
    for k, j, i in itertools.product(range(nn[2]), range(nn[1]), range(nn[0])):
        for K, J, I in itertools.product(range(Nn[2]), range(Nn[1]), range(Nn[0])):
            w = 1.0
            for x, X in ((i, I), (j, J), (k, K)):
                w *= max(0.0, 1.0 - abs(x / r - X))
            if w:
                P[node(i, j, k), cnode(I, J, K)] = w

    # Dirichlet faces: fine and coarse nodes on them are fixed (0)
    def on_dirichlet(idx, counts):
        return any((bc[2 * d] == "D" and idx[d] == 0) or (bc[2 * d + 1] == "D" and idx[d] == counts[d] - 1) for d in range(3))

    values = [float(v) for v in args.bc_values.split(",")]
    assert len(values) == 6 and all(values[f] == 0 for f in range(6) if bc[f] == "N"), "Neumann fluxes are not modelled here"

    def data(idx, counts):  # the lowest-numbered Dirichlet face the node lies on
        for f in range(6):
            d = f // 2
            if bc[f] == "D" and idx[d] == (0 if f % 2 == 0 else counts[d] - 1):
                return values[f]
        return 0.0

    g_fine = np.array([data((i, j, k), nn) for k, j, i in itertools.product(range(nn[2]), range(nn[1]), range(nn[0]))])
    g_coarse = np.array([data((I, J, K), Nn) for K, J, I in itertools.product(range(Nn[2]), range(Nn[1]), range(Nn[0]))])
    fine_fixed = np.array([on_dirichlet((i, j, k), nn) for k, j, i in itertools.product(range(nn[2]), range(nn[1]), range(nn[0]))])
    coarse_fixed = np.array([on_dirichlet((I, J, K), Nn) for K, J, I in itertools.product(range(Nn[2]), range(Nn[1]), range(Nn[0]))])

    # I_H (coarse nodes x fine nodes): local L2 projections, averaged at the nodes
    IH = np.zeros((ncoarse, nodes))
    count = np.zeros(ncoarse)
    for T in itertools.product(range(N[0]), range(N[1]), range(N[2])):
        fine_T = sorted({node(T[0] * r + x, T[1] * r + y, T[2] * r + z)
                         for z in range(r + 1) for y in range(r + 1) for x in range(r + 1)})
        corners = [cnode(T[0] + (c & 1), T[1] + ((c >> 1) & 1), T[2] + ((c >> 2) & 1)) for c in range(8)]
        MT = np.zeros((nodes, nodes))
        for dofs, _ in A_cells[T]:
            MT[np.ix_(dofs, dofs)] += Me
        MT = MT[np.ix_(fine_T, fine_T)]
        Phi = P[np.ix_(fine_T, corners)]
        proj = np.linalg.solve(Phi.T @ MT @ Phi, Phi.T @ MT)  # 8 x |fine_T|
        for c, z in enumerate(corners):
            IH[z, fine_T] += proj[c]
            count[z] += 1
    IH /= count[:, None]

    # PG-LOD stiffness
    S = P.T @ A @ P
    for T in itertools.product(range(N[0]), range(N[1]), range(N[2])):
        lo = [max(0, T[d] - args.ell) for d in range(3)]
        hi = [min(N[d], T[d] + args.ell + 1) for d in range(3)]
        in_patch, free = [], []
        for k, j, i in itertools.product(range(lo[2] * r, hi[2] * r + 1), range(lo[1] * r, hi[1] * r + 1), range(lo[0] * r, hi[0] * r + 1)):
            g = node(i, j, k)
            in_patch.append(g)
            # patch boundary not on the domain boundary: zero; Neumann domain faces: free
            inner = all((lo[d] * r < x < hi[d] * r) or (x == 0 and lo[d] == 0) or (x == n[d] and hi[d] == N[d])
                        for d, x in enumerate((i, j, k)))
            if inner and not fine_fixed[g]:
                free.append(g)
        cons = [cnode(I, J, K) for K in range(lo[2], hi[2] + 1) for J in range(lo[1], hi[1] + 1) for I in range(lo[0], hi[0] + 1)
                if not coarse_fixed[cnode(I, J, K)]]
        AU = A[np.ix_(free, free)]
        C = IH[np.ix_(cons, free)]
        nf, nc = len(free), len(cons)
        KKT = np.block([[AU, C.T], [C, np.zeros((nc, nc))]])
        AT = np.zeros((nodes, nodes))
        for dofs, ke in A_cells[T]:
            AT[np.ix_(dofs, dofs)] += ke
        corners = [cnode(T[0] + (c & 1), T[1] + ((c >> 1) & 1), T[2] + ((c >> 2) & 1)) for c in range(8)]
        for zj in corners:
            rhs = np.concatenate([(AT @ P[:, zj])[free], np.zeros(nc)])
            q = np.zeros(nodes)
            q[free] = np.linalg.solve(KKT, rhs)[:nf]
            S[:, zj] -= P.T @ (A @ q)
    load = M @ np.ones(nodes) if args.rhs == "one" else np.zeros(nodes)
    F = P.T @ load
    fr = ~coarse_fixed
    U = np.where(coarse_fixed, g_coarse, 0.0)  # Dirichlet data: the coarse unknowns of the boundary nodes
    U[fr] = np.linalg.solve(S[np.ix_(fr, fr)], F[fr] - S[np.ix_(fr, coarse_fixed)] @ U[coarse_fixed])
    u_ref = P @ U
    diff = np.max(np.abs(u_ref - u_neurhom)) / np.max(np.abs(u_ref))
    print(f"independent PG-LOD vs neurhom: max |u_H - u_H,neurhom| / max |u_H| = {diff:.3e} "
          f"({ncoarse} coarse nodes, {nodes} fine nodes, ell = {args.ell}, faces {args.bc})")
    ok = diff <= args.tol
    # ideal LOD with f = 0: u_h - (1 - C) U lies in ker I_H (a(u_h, w) = 0 there), so u_H = I_H u_h at
    # the free coarse nodes (I_H is a projection onto V_H); with f != 0 PG-LOD's load (f, lambda_i)
    # misses (f, C lambda_i) and the identity does not hold
    if args.ideal:
        ff = ~fine_fixed
        u_h = np.where(fine_fixed, g_fine, 0.0)
        u_h[ff] = np.linalg.solve(A[np.ix_(ff, ff)], load[ff] - A[np.ix_(ff, fine_fixed)] @ u_h[fine_fixed])
        IHu = IH @ u_h
        U_neurhom = u_neurhom[[node(I * r, J * r, K * r) for K, J, I in itertools.product(range(Nn[2]), range(Nn[1]), range(Nn[0]))]]
        ideal = max(np.max(np.abs(IHu - U)[fr]), np.max(np.abs(IHu - U_neurhom)[fr])) / np.max(np.abs(IHu[fr]))
        print(f"ideal patches: max |I_H u_h - u_H| / max |I_H u_h| = {ideal:.3e} (reference and neurhom)")
        ok = ok and ideal <= args.tol
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
