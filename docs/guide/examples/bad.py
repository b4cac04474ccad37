import copy
class Bad:
    def __reduce_ex__(self, protocol):
        raise ValueError("no reduce")
copy.deepcopy([Bad()])
