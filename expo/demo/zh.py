"""Chinese versions (Traditional, Simplified) of the demo's organiser-managed names: the
edition, sectors and halls, tracks and the talent-month events. expo.demo writes them into
the translation columns (django-modeltranslation) after seeding."""

EDITION = {
    "name": ("創新科技招聘博覽會 2026", "创新科技招聘博览会 2026"),
    "tagline": ("香港創新科技職位，盡在一處", "香港创新科技职位，尽在一处"),
}

SECTORS = {
    "software-communications": ("軟件及通訊", "软件及通讯"),
    "ai-data-analytics": ("人工智能及數據分析", "人工智能及数据分析"),
    "biotech": ("生物科技", "生物科技"),
    "electronic-sensors": ("電子及感測器", "电子及传感器"),
    "fintech": ("金融科技", "金融科技"),
    "robotics-automation": ("機械人及自動化", "机器人及自动化"),
    "healthtech": ("醫療科技", "医疗科技"),
    "smart-city": ("智慧城市", "智慧城市"),
    "green-tech": ("綠色科技", "绿色科技"),
    "materials-precision-engineering": ("材料及精密工程", "材料及精密工程"),
}


def hall(english: str) -> tuple[str, str]:
    """ "Hall 2" -> ("2號展館", "2号展馆")."""
    number = english.removeprefix("Hall ").strip()
    return f"{number}號展館", f"{number}号展馆"


TRACKS = {
    "deep-tech-training": (
        ("深科技培訓", "深科技培训"),
        (
            "由園區公司的工程師及科學家教授，實踐招聘所需的技術。出席每節 75% 即可獲發證書。",
            "由园区公司的工程师及科学家教授，实践招聘所需的技术。出席每节 75% 即可获发证书。",
        ),
    ),
    "innovative-thinking": (
        ("創新思維工作坊及創意比賽", "创新思维工作坊及创意比赛"),
        (
            "設計思維、客戶探索及路演工作坊，最後由園區創辦人及投資者評審創意比賽。",
            "设计思维、客户探索及路演工作坊，最后由园区创办人及投资者评审创意比赛。",
        ),
    ),
    "upskilling-fintech": (
        ("金融科技技能提升系列", "金融科技技能提升系列"),
        (
            "為投身金融科技的人而設的短期課程：支付、虛擬銀行、監管科技、數字資產及僱主所需的數據技能。",
            "为投身金融科技的人而设的短期课程：支付、虚拟银行、监管科技、数字资产及雇主所需的数据技能。",
        ),
    ),
}

EVENTS = {
    "Quantum computing for engineers: a hands-on primer": (
        "工程師的量子計算入門實踐",
        "工程师的量子计算入门实践",
    ),
    "Edge AI on microcontrollers": ("微控制器上的邊緣人工智能", "微控制器上的边缘人工智能"),
    "Lab automation for synthetic biology": (
        "合成生物學的實驗室自動化",
        "合成生物学的实验室自动化",
    ),
    "From sensor to cloud: building an IoT data pipeline": (
        "由感測器到雲端：建立物聯網數據管道",
        "由传感器到云端：建立物联网数据管道",
    ),
    "Computer vision in the wet lab": ("濕實驗室中的電腦視覺", "湿实验室中的计算机视觉"),
    "ROS 2 bootcamp: your first mobile robot": (
        "ROS 2 訓練營：你的第一個移動機械人",
        "ROS 2 训练营：你的第一个移动机器人",
    ),
    "Fine-tuning language models on a budget": ("以有限預算微調語言模型", "以有限预算微调语言模型"),
    "Chip design flow: from RTL to tape-out": (
        "晶片設計流程：由 RTL 到流片",
        "芯片设计流程：由 RTL 到流片",
    ),
    "Medical device regulation for engineers": (
        "工程師須知的醫療器材規管",
        "工程师须知的医疗器械监管",
    ),
    "Data engineering with open-source tools": ("以開源工具做數據工程", "以开源工具做数据工程"),
    "Design thinking sprint": ("設計思維衝刺", "设计思维冲刺"),
    "From lab to market: customer discovery for researchers": (
        "由實驗室到市場：研究人員的客戶探索",
        "由实验室到市场：研究人员的客户探索",
    ),
    "Pitch clinic: ten slides that work": (
        "路演診所：十張有效的簡報",
        "路演诊所：十张有效的幻灯片",
    ),
    "Intellectual property basics for founders": ("創辦人的知識產權基礎", "创办人的知识产权基础"),
    "Storytelling with data": ("用數據說故事", "用数据讲故事"),
    "Working in cross-border teams across the Greater Bay Area": (
        "在大灣區跨境團隊中工作",
        "在大湾区跨境团队中工作",
    ),
    "Idea pitching competition: heats": ("創意比賽：初賽", "创意比赛：初赛"),
    "Idea pitching competition: final": ("創意比賽：決賽", "创意比赛：决赛"),
    "Fintech foundations: payments, wealthtech and regtech": (
        "金融科技基礎：支付、財富科技及監管科技",
        "金融科技基础：支付、财富科技及监管科技",
    ),
    "Virtual banking in Hong Kong": ("香港的虛擬銀行", "香港的虚拟银行"),
    "Blockchain and tokenisation: what employers look for": (
        "區塊鏈及代幣化：僱主需要甚麼",
        "区块链及代币化：雇主需要什么",
    ),
    "RegTech and anti-money-laundering analytics": ("監管科技及反洗錢分析", "监管科技及反洗钱分析"),
    "Data for green and sustainable finance": ("綠色及可持續金融的數據", "绿色及可持续金融的数据"),
    "Cybersecurity for financial services": ("金融服務的網絡安全", "金融服务的网络安全"),
    "Open APIs and the Commercial Data Interchange": (
        "開放 API 及商業數據通",
        "开放 API 及商业数据通",
    ),
    "Careers in insurtech": ("保險科技的職業發展", "保险科技的职业发展"),
}
