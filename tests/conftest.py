import pytest

import attachsim


@pytest.fixture(scope="session")
def small_normative() -> attachsim.Results:
    return attachsim.run("normative", n=600, seed=7)
