//! Strongly connected components of a graph.

/// Strongly connected components of the graph `succ` (Tarjan's algorithm,
/// without recursion): each vertex's component, and the components'
/// members, sinks first (a component comes after every one it reaches).
pub(super) fn strongly_connected(succ: &[Vec<u32>]) -> (Vec<u32>, Vec<Vec<u32>>) {
    let n = succ.len();
    const UNSEEN: u32 = u32::MAX;
    let mut index = vec![UNSEEN; n];
    let mut low = vec![0u32; n];
    let mut on_stack = vec![false; n];
    let mut comp = vec![UNSEEN; n];
    let mut stack: Vec<u32> = Vec::new();
    let mut comps: Vec<Vec<u32>> = Vec::new();
    let mut next_index = 0u32;
    // (vertex, next edge to follow)
    let mut work: Vec<(u32, usize)> = Vec::new();
    for root in 0..n as u32 {
        if index[root as usize] != UNSEEN {
            continue;
        }
        work.push((root, 0));
        while let Some(&mut (v, ref mut e)) = work.last_mut() {
            let vu = v as usize;
            if *e == 0 && index[vu] == UNSEEN {
                index[vu] = next_index;
                low[vu] = next_index;
                next_index += 1;
                stack.push(v);
                on_stack[vu] = true;
            }
            if let Some(&w) = succ[vu].get(*e) {
                *e += 1;
                let wu = w as usize;
                if index[wu] == UNSEEN {
                    work.push((w, 0));
                } else if on_stack[wu] {
                    low[vu] = low[vu].min(index[wu]);
                }
                continue;
            }
            work.pop();
            if let Some(&(p, _)) = work.last() {
                low[p as usize] = low[p as usize].min(low[vu]);
            }
            if low[vu] == index[vu] {
                let id = comps.len() as u32;
                let mut members = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w as usize] = false;
                    comp[w as usize] = id;
                    members.push(w);
                    if w == v {
                        break;
                    }
                }
                comps.push(members);
            }
        }
    }
    (comp, comps)
}
